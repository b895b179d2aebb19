"""Actions that show records: one record opens in its form, several in a list;
or whatever a domain finds (records added later show up too)."""


def domain_action(env, action_xmlid, domain, **values):
    """The window action ``action_xmlid`` showing the records of ``domain``;
    ``values`` update the action (a context, a name)."""
    action = env["ir.actions.act_window"]._for_xml_id(action_xmlid)
    action["domain"] = domain
    action.update(values)
    return action


def records_action(records, action_xmlid, **values):
    """The window action ``action_xmlid`` showing ``records``: their form when
    there is one, else the list of them; ``values`` update the action (a
    context, a name)."""
    if len(records) == 1:
        action = records.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action.update(views=[(False, "form")], res_id=records.id)
        action.update(values)
        return action
    return domain_action(
        records.env, action_xmlid, [("id", "in", records.ids)], **values
    )
