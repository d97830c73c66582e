"""The ground floor every app builds on: GraphQL helpers, text checks; it imports no app."""
