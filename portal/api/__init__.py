"""The API: shared machinery every app imports, and the portal's own endpoints.

- `errors.py`: the error body of every 4xx (`exception_handler`, the REST framework's
  EXCEPTION_HANDLER), its OpenAPI schema (`add_error_responses`) and `ERRORS` for
  `extend_schema(responses=...)`;
- `inputs.py`: `StrictQueryMixin`, `StrictBodyMixin` (unknown parameters and fields are
  errors), `user_of`;
- `pagination.py`: `Page`, `CursorPage`;
- `idempotency.py`: the `Idempotency-Key` header (`idempotent`, `IDEMPOTENCY_PARAMETER`);
- `reference.py`: reference-data endpoints (countries, regions, agencies);
- `urls.py`: /api/v1/ and the OpenAPI schema and documentation.
"""
