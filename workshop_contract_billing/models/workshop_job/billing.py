"""Contract coverage on job invoices.

The job card's invoicing chain asks ``_plan_invoicing`` what to decide before
building the invoices: here, what each job line's contract covers
(``_plan_coverage``, under a lock on the allowance rows concerned). The plan is
passed to ``_prepare_invoice_line_vals_list`` (which splits or drops the
covered quantities) and to ``_record_invoicing`` (which writes it as coverage
rows once the invoices exist).
"""

from odoo import _, models
from odoo.tools import float_compare

COVERAGE = "coverage"  # the plan's key: {job line id: coverage row values}


class WorkshopJob(models.Model):
    _inherit = "workshop.job"  # pylint: disable=consider-merging-classes-inherited

    def _plan_invoicing(self):
        plan = super()._plan_invoicing()
        covered = self.filtered("contract_id")
        if covered:
            plan[COVERAGE] = covered._plan_coverage()
        return plan

    def _record_invoicing(self, moves, plan):
        res = super()._record_invoicing(moves, plan)
        self._record_coverage(moves, plan.get(COVERAGE))
        return res

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
    def _prepare_invoice_line_vals_list(self, plan=None):
        """The covered part of each line the plan's coverage names is priced at
        zero (or left off the invoice and named in a note)."""
        vals_list = super()._prepare_invoice_line_vals_list(plan)
        coverage = (plan or {}).get(COVERAGE)
        if not coverage or not self.contract_id:
            return vals_list
        covered_qty = {line_id: row["quantity"] for line_id, row in coverage.items()}
        contract = self.contract_id
        shown = contract.covered_lines_display == "zero"
        result, hidden = [], []
        for vals in vals_list:
            covered = vals.get("display_type") == "product" and covered_qty.get(
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
