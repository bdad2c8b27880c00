namespace FastBroker.ClientLite;
