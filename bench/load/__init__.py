"""Load test of the production configuration (see README.md)."""
