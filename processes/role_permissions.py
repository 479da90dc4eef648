"""Model-wide permissions that a role's group holds, synced by the catalogue loader.

Only permissions to act (load the catalogue, manage people): never a model-wide *view* permission
on child data, which would leak every case. Case access is granted per object (guardian).
"""

ROLE_MODEL_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "qa-administrator": ("processes.load_catalogue",),
}
