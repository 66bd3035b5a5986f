def post_init_hook(env):
    """Load Vietnam's administrative areas once the module's tables and data exist."""
    env["sp.area"]._sp_vn_load_areas()
