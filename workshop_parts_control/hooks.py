def post_init_hook(env):
    """Give the warehouses that existed before the install their workshop
    consumption location and parts issue / return operation types."""
    env["stock.warehouse"].search([])._workshop_create_missing_parts_data()
