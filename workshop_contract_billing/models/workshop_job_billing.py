"""Contract coverage on job invoices.

``_create_invoices`` locks the allowance rows of the periods the jobs fall in,
plans what each job line's contract covers (``_plan_coverage``), lets the job
card build the invoices with the plan in the context (``_prepare_invoice_line_
vals_list`` splits or drops the covered quantities) and records the plan as
coverage rows once the invoices exist.
"""

from odoo import _, models
from odoo.tools import float_compare

from odoo.addons.workshop_job_card.models.workshop_job import BILLABLE_STATES

PLAN_KEY = "workshop_coverage_plan"


class CoveragePlan(tuple):
    """((job line id, covered quantity), …) planned by ``_create_invoices``.

    The plan reaches ``_prepare_invoice_line_vals_list`` through the job card's
    invoicing chain (which this addon does not own) in the context, so it must be
    a value no RPC client can send: only an instance of this class counts (JSON
    has tuples and lists, never this type). A plain key would let any caller
    price its lines at zero."""


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    def _create_invoices(self, grouped=False, auto=False):
        covered = self.filtered(
            lambda j: j.contract_id
            and j.state in BILLABLE_STATES + ("invoiced",)
            and j.line_ids.filtered("is_invoiceable")
        )
        if not covered:
            return super()._create_invoices(grouped=grouped, auto=auto)
        # refuse (or skip) what the job card refuses, before taking any coverage
        covered = covered._filter_invoiceable(auto=auto) & covered
        plan = covered._plan_coverage()
        jobs = self.with_context(
            **{
                PLAN_KEY: CoveragePlan(
                    (line_id, v["quantity"]) for line_id, v in plan.items()
                )
            }
        )
        moves = super(WorkshopJob, jobs)._create_invoices(grouped=grouped, auto=auto)
        moves = self.env["account.move"].browse(moves.ids)
        usage = self._record_coverage(moves, plan)
        # covered work left off the invoice counts as invoiced only now
        usage.filtered(lambda u: not u.is_shown).job_id._sync_invoiced_state()
        return moves

    def _plan_coverage(self):
        """{job line id: coverage row values} for the open lines of these jobs
        that their contracts cover. Locks the allowance rows of the periods
        concerned first, so two invoicings of the same period never both take
        what is left of a cap."""
        todo, keys = [], set()
        for job in self.sorted("id"):
            contract = job.contract_id
            period = contract._period_of(job.service_date)
            if period and contract.coverage_ids:
                todo.append((job, period))
                keys.add((contract, period))
        allowances = self.env["workshop.contract.allowance"]._get_for_periods(
            keys, lock=True
        )
        budgets = {}
        plan = {}
        for job, period in todo:
            contract = job.contract_id
            allowance = allowances[contract, period.start]
            rules = contract.coverage_ids.filtered(
                lambda r, j=job: r.job_type_id == j.job_type_id
            )
            if not rules:
                continue
            budget = budgets.setdefault(allowance, allowance._budget_left())
            lines = job.line_ids.filtered(
                lambda li, r=rules: li.is_invoiceable
                and not li.is_warranty
                and r._covers(li.kind)
            )
            for line in lines.sorted(lambda li: (li.sequence, li.id)):
                vals = line._plan_coverage(contract, budget)
                if vals:
                    plan[line.id] = dict(vals, allowance_id=allowance.id)
        return plan

    def _record_coverage(self, moves, plan):
        """Write the coverage rows of ``plan`` for the jobs ``moves`` bill."""
        if not plan or not moves:
            return self.env["workshop.contract.usage"]
        move_of = {job: move for move in moves for job in move.workshop_job_ids}
        lines = self.env["workshop.job.line"].browse(plan)
        vals_list = []
        for line in lines:
            move = move_of.get(line.job_id)
            if not move:
                continue  # the job card skipped the job
            shown = move.invoice_line_ids.filtered(
                lambda a, li=line: a.workshop_job_line_id == li
                and a.workshop_covered_contract_id
            )[:1]
            vals_list.append(
                dict(
                    plan[line.id],
                    move_id=move.id,
                    move_line_id=shown.id or False,
                    billing_round=line.job_id.billing_round,
                )
            )
        # sudo: the coverage ledger is written by the engine only (no group may
        # write it); these rows are what the invoices just created consumed
        return (
            self.env["workshop.contract.usage"]
            .sudo()
            .create(vals_list)
            .with_env(self.env)
        )

    # ------------------------------------------------------------------
    # Invoice values
    # ------------------------------------------------------------------
    def _prepare_invoice_line_vals_list(self):
        vals_list = super()._prepare_invoice_line_vals_list()
        plan = self.env.context.get(PLAN_KEY)
        plan = dict(plan) if isinstance(plan, CoveragePlan) else {}
        if not plan or not self.contract_id:
            return vals_list
        contract = self.contract_id
        shown = contract.covered_lines_display == "zero"
        result, hidden = [], []
        for vals in vals_list:
            covered = vals.get("display_type") == "product" and plan.get(
                vals.get("workshop_job_line_id")
            )
            if not covered:
                result.append(vals)
                continue
            if shown:
                result.append(self._prepare_covered_line_vals(vals, covered))
            else:
                hidden.append(vals)
            rest = vals["quantity"] - covered
            line = self.env["workshop.job.line"].browse(vals["workshop_job_line_id"])
            if (
                float_compare(
                    rest, 0.0, precision_rounding=line.product_uom_id.rounding or 0.001
                )
                > 0
            ):
                result.append(dict(vals, quantity=rest))
        result = self._drop_empty_headers(result)
        if hidden:
            result.append(self._prepare_coverage_note_vals(hidden))
        return result

    def _prepare_covered_line_vals(self, vals, quantity):
        """The zero-priced invoice line of the covered part of a job line. Its
        billing round is 0: the job card's unique index guards the billed part,
        the coverage ledger's own index guards this one."""
        return dict(
            vals,
            quantity=quantity,
            price_unit=0.0,
            discount=0.0,
            name=_(
                "%(line)s\nCovered by contract %(contract)s",
                line=vals["name"],
                contract=self.contract_id.name,
            ),
            workshop_billing_round=0,
            workshop_covered_contract_id=self.contract_id.id,
        )

    def _prepare_coverage_note_vals(self, hidden):
        """A note naming the contract that covers the work left off the
        invoice; it links the invoice to the job even when all of it is
        covered."""
        return {
            "display_type": "line_note",
            "sequence": max([v.get("sequence", 0) for v in hidden] + [0]) + 1000,
            "name": _(
                "Covered by contract %(contract)s, not invoiced: %(lines)s",
                contract=self.contract_id.name,
                lines="; ".join(v["name"].splitlines()[0] for v in hidden),
            ),
            "workshop_job_line_id": hidden[0]["workshop_job_line_id"],
            "workshop_covered_contract_id": self.contract_id.id,
        }

    @staticmethod
    def _drop_empty_headers(vals_list):
        """Sections and notes left with no line under them go."""
        result, pending = [], []
        for vals in vals_list:
            kind = vals.get("display_type")
            if kind == "line_section":
                pending = [vals]
            elif kind == "line_note":
                pending.append(vals)
            else:
                result += pending + [vals]
                pending = []
        return result
