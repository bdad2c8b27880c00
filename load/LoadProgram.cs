namespace FastBroker.Load;

public static class LoadProgram
{
    public static int Main(string[] args) => 0;
}
