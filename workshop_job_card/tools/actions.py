"""Actions that show records: one record opens in its form, several in a list."""


def records_action(records, action_xmlid, **values):
    """The window action ``action_xmlid`` showing ``records``: their form when
    there is one, else the list of them; ``values`` update the action (a
    context, a name)."""
    env = records.env
    action = env["ir.actions.act_window"]._for_xml_id(action_xmlid)
    if len(records) == 1:
        action.update(views=[(False, "form")], res_id=records.id)
    else:
        action["domain"] = [("id", "in", records.ids)]
    action.update(values)
    return action
