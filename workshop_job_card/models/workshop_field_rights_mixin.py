from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..tools.privilege import is_granted


class WorkshopFieldRightsMixin(models.AbstractModel):
    """Enforces a model's ``_workshop_field_rights`` table (see
    :mod:`odoo.addons.workshop_job_card.tools.field_rights`) in ``create`` and
    ``write``, whoever calls them (web client, import, RPC, any context), and
    marks the guarded fields read-only in the model's forms and lists for the
    records and users the table refuses."""

    _name = "workshop.field.rights.mixin"
    _description = "Workshop Field Rights"

    # {field name: FieldRight}; empty: nothing guarded
    _workshop_field_rights = {}
    _workshop_state_field = "state"

    workshop_readonly_fields = fields.Json(
        compute="_compute_workshop_readonly_fields",
        help="Fields of the table the current user may not set on this record.",
    )

    @api.depends_context("uid")
    def _compute_workshop_readonly_fields(self):
        rights = self._workshop_field_rights
        for record in self:
            record.workshop_readonly_fields = [
                fname
                for fname, right in rights.items()
                if not record._workshop_may_set(right, record._workshop_state())
                and (right.when is None or right.when(record))
            ]

    # ------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------
    def _workshop_state(self):
        fname = self._workshop_state_field
        return self[fname] if fname in self._fields else None

    def _workshop_may_set(self, right, state):
        """May the current environment set a field of ``right`` in ``state``?"""
        if self.env.su or (right.privilege and is_granted(self.env, right.privilege)):
            return True
        if right.states is not None and state not in right.states:
            return False
        return any(self.env.user.has_group(group) for group in right.groups)

    def _workshop_refuse(self, fname, right, records):
        field = self._fields[fname]
        names = ", ".join(records.mapped("display_name")) or self._description
        if right.groups:
            groups = " / ".join(
                self.env.ref(group).sudo().name for group in right.groups
            )
            message = _(
                "%(field)s of %(records)s can be changed only by: %(groups)s"
                "%(states)s.",
                field=field.string,
                records=names,
                groups=groups,
                states=_(" (while %(states)s)", states=self._workshop_states(right))
                if right.states is not None
                else "",
            )
        else:
            message = _(
                "%(field)s of %(records)s changes only through its actions.",
                field=field.string,
                records=names,
            )
        raise AccessError(message)

    def _workshop_states(self, right):
        selection = dict(
            self._fields[self._workshop_state_field]._description_selection(self.env)
        )
        return ", ".join(str(selection.get(state, state)) for state in right.states)

    @staticmethod
    def _workshop_same(field, record, raw):
        """Does ``raw`` (a value as given to write) leave ``record`` unchanged?"""
        current = field.convert_to_cache(record[field.name], record, validate=False)
        new = field.convert_to_cache(raw, record, validate=False)
        if field.type in ("one2many", "many2many"):
            return set(current) == set(new)  # commands applied to the current ids
        return (current or None) == (new or None)

    def _workshop_check_field_rights(self, vals):
        """Refuse ``vals`` when they change a guarded field the table refuses."""
        rights = self._workshop_field_rights
        for fname in rights.keys() & vals.keys():
            right = rights[fname]
            field = self._fields[fname]
            refused = self.filtered(
                lambda rec, r=right, f=field: (r.when is None or r.when(rec))
                and not self._workshop_same(f, rec, vals[f.name])
                and not rec._workshop_may_set(r, rec._workshop_state())
            )
            if refused:
                self._workshop_refuse(fname, right, refused)

    def _workshop_check_field_rights_create(self, vals_list):
        """``create`` checks what ``write`` checks: a guarded value given (or
        given as a ``default_*`` context key) must be the one the record would
        get anyway, unless the table lets the user set it."""
        rights = self._workshop_field_rights
        if not rights or self.env.su:
            return
        context_defaults = {
            key[8:]
            for key in self.env.context
            if key.startswith("default_") and key[8:] in rights
        }
        state_field = self._workshop_state_field
        for vals in vals_list:
            # a rule with ``when`` guards changes of existing records only
            given = {
                fname
                for fname in (rights.keys() & vals.keys())
                | (context_defaults - vals.keys())
                if rights[fname].when is None
            }
            if not given:
                continue
            state = vals.get(state_field) or self.default_get([state_field]).get(
                state_field
            )
            given = {
                fname
                for fname in given
                if not self._workshop_may_set(rights[fname], state)
            }
            if not given:
                continue
            # what the record would hold without them (no context defaults)
            clean = self.with_env(
                self.env(
                    context={
                        key: value
                        for key, value in self.env.context.items()
                        if not (key.startswith("default_") and key[8:] in given)
                    }
                )
            )
            base = {k: v for k, v in vals.items() if k not in given}
            probe = clean.new({**clean.default_get(list(given)), **base})
            for fname in given:
                raw = (
                    vals[fname]
                    if fname in vals
                    else self.env.context[f"default_{fname}"]
                )
                if not self._workshop_same(self._fields[fname], probe, raw):
                    self._workshop_refuse(fname, rights[fname], self.browse())

    @api.model_create_multi
    def create(self, vals_list):
        self._workshop_check_field_rights_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if self._workshop_field_rights and not self.env.su:
            self._workshop_check_field_rights(vals)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Views follow the table
    # ------------------------------------------------------------------
    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type in ("form", "list", "kanban"):
            self._workshop_mark_readonly(arch)
        return arch, view

    @api.model
    def _workshop_mark_readonly(self, root):
        """Make the guarded fields of the view ``root`` (and of the sub-views of
        its x2many fields whose model has a table) read-only where the record's
        ``workshop_readonly_fields`` names them."""
        rights = self._workshop_field_rights
        marked = False
        todo = list(root)
        while todo:
            node = todo.pop()
            if node.tag != "field":
                todo.extend(node)
                continue
            fname = node.get("name")
            if fname in rights:
                expr = f"{fname!r} in (workshop_readonly_fields or [])"
                old = node.get("readonly")
                node.set("readonly", f"({old}) or {expr}" if old else expr)
                marked = True
            field = self._fields.get(fname)
            if field is not None and field.type in ("one2many", "many2many"):
                comodel = self.env[field.comodel_name]
                if getattr(comodel, "_workshop_field_rights", None):
                    for sub in node:
                        if sub.tag in ("list", "form", "kanban"):
                            comodel._workshop_mark_readonly(sub)
        if marked:
            invisible = "column_invisible" if root.tag == "list" else "invisible"
            root.append(
                root.makeelement(
                    "field", {"name": "workshop_readonly_fields", invisible: "1"}
                )
            )
