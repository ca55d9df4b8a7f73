"""The network: inter-satellite and ground links, routing by delay, and the jurisdiction audit."""
