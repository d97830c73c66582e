"""The /graphql endpoint (the view); the building blocks it uses live in core.graphql."""
