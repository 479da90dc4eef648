"""Model-wide permissions that a role's group holds, synced by the catalogue loader (roles_sync).

Only permissions to act (load the catalogue, manage people, import cases) and to read the access
log: never a model-wide *view* permission on child data, which would reach every case. Case access
is granted per case (guardian object permissions); see core.querysets.
"""

ROLE_MODEL_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "qa-administrator": (
        "processes.load_catalogue",
        "processes.add_closureday",
        "processes.change_closureday",
        "processes.delete_closureday",
        "processes.add_scheduleoverride",
        "processes.change_scheduleoverride",
        "processes.delete_scheduleoverride",
        "cases.add_case",
        "cases.change_case",
        "cases.view_accesslogentry",
        "workforce.add_team",
        "workforce.change_team",
        "workforce.add_staffprofile",
        "workforce.change_staffprofile",
    ),
}
