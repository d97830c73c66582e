"""Devices in GraphQL: enums, the Device interface and its four types, queries and mutations."""
