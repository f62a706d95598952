"""Operator commands that span the services: migrate each one's database, create the
topics, write the AsyncAPI document of them all. Each service declares what it owns
(its migrations, its routes and roles, the topics its projection reads); this package
gathers them, so that the services' library, shared/, knows none of them."""
