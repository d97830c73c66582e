"""GraphQL building blocks shared by every app: typed payload errors, BaseMutation, permissions,
rounding, document limits and the cost budget."""
