"""Sinks: relay's own Kafka consumers that deliver canonical events onward."""
