"""GraphQL building blocks shared by every app: typed payload errors, permissions, the view."""
