"""The leak kinds as one ordered table of rules.

Each kind of leak is a :class:`LeakRule` in
``workshop.leakage.exception._leak_rules()``. A rule either classifies the
rows of the reconciliation (``condition``: the first rule whose condition
holds gives the row its kind, as one SQL ``CASE`` built in that order) or
brings the rows of a source of its own into the exception view (``source``:
the name of a ``_select_*`` method of ``workshop.leakage.exception``). A rule
with neither only names a kind another rule's ``value`` gives.

An addon adds a kind by extending the table::

    def _leak_rules(self):
        rules = super()._leak_rules()
        at = [rule.kind for rule in rules].index("labour_unbilled")
        rules.insert(at, LeakRule("travel_unbilled", _("Travel Not Invoiced"),
                                  condition=SQL("f.line_kind = 'travel'")))
        return rules

The kind is then in the ``leak_kind`` selections, the views, the weekly runs
and the XLSX export (all read the table at run time).
"""

from dataclasses import dataclass

from odoo.tools import SQL


@dataclass(frozen=True)
class LeakRule:
    """One row of the table of leak kinds.

    - ``kind``, ``label``: the ``leak_kind`` value and what users read;
    - ``condition``: SQL over the reconciliation's stored facts ``f`` of the
      job ``j`` of company ``c``: the rows it holds for (and no rule before it
      held for) take this kind;
    - ``value``: SQL of the kind those rows take (default: ``kind``), for a rule
      whose rows split further (a threshold of days);
    - ``source``: name of the ``workshop.leakage.exception`` method returning
      the SELECT of this kind's rows (built with ``_select_columns``);
    - ``is_leak``: False for a difference that is not (yet) a leak;
    - ``has_job``: False for a source whose rows have no job (the weekly run
      reads those live, not from the stored totals per job).
    """

    kind: str
    label: str
    condition: SQL | None = None
    value: SQL | None = None
    source: str | None = None
    is_leak: bool = True
    has_job: bool = True

    def case_value(self):
        """SQL of the kind the rows this rule holds for take."""
        return self.value if self.value is not None else SQL("%s", self.kind)


def classification(rules):
    """The SQL ``CASE`` of the rules with a condition, in their order (NULL
    when none holds)."""
    return SQL(
        "CASE %s END",
        SQL(" ").join(
            SQL("WHEN %s THEN %s", rule.condition, rule.case_value())
            for rule in rules
            if rule.condition is not None
        ),
    )


def leak_kind_selection(model):
    """Selection of the ``leak_kind`` fields: the kinds of the rules, in order
    (a kind named by several rules once)."""
    return model.env["workshop.leakage.exception"]._leak_kind_selection()
