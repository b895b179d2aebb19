"""Shared fixtures for workshop_contract_billing tests."""

from odoo import Command, fields

from odoo.addons.workshop_job_card.tests.common import WorkshopCommon


class ContractCommon(WorkshopCommon):
    """WorkshopCommon plus contract products and three covered assets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fee = cls._product("Maintenance plan (monthly fee)", 100.0, "service")
        cls.asset_fee = cls._product("Fleet care per vehicle", 50.0, "service")
        cls.assets = cls.env["workshop.asset"].create(
            [{"name": f"Van {i}", "partner_id": cls.customer.id} for i in range(1, 4)]
        )

    @classmethod
    def _contract(cls, lines=None, activate=True, company=None, **vals):
        """A contract for the customer (in ``company``, default the test
        company's); ``lines`` are dicts of line values (a 100.00 monthly fixed
        fee by default)."""
        values = {
            "partner_id": cls.customer.id,
            "client_order_ref": "PO-C-1",
            "date_start": fields.Date.to_date("2026-01-01"),
            "line_ids": [
                Command.create(line) for line in (lines or [{"product_id": cls.fee.id}])
            ],
        }
        values.update(vals)
        Contract = cls.env["workshop.contract"]
        if company:
            Contract = Contract.with_company(company)
            values["company_id"] = company.id
        contract = Contract.create(values)
        if activate:
            contract.action_activate()
        return contract

    @classmethod
    def _sla_policy(cls, name="Gold", percent=10.0, hours=(2, 8), **vals):
        """An SLA policy crediting ``percent`` of the period's fee per breach,
        with one line for urgent jobs (response, resolution ``hours``) unless
        ``hours`` is None."""
        values = {"name": name, "credit_method": "percent", "credit_percent": percent}
        if hours:
            values["line_ids"] = [
                Command.create(
                    {
                        "priority": "1",
                        "response_hours": hours[0],
                        "resolution_hours": hours[1],
                    }
                )
            ]
        values.update(vals)
        return cls.env["workshop.contract.sla.policy"].create(values)

    @classmethod
    def _sla_credit(cls, contract, deadline, kind="response", policy=None):
        """A service credit of ``contract`` under ``policy`` (default: the
        contract's) for a ``kind`` deadline missed on a new labour job."""
        return cls.env["workshop.contract.credit"].create(
            {
                "contract_id": contract.id,
                "job_id": cls._create_job([("labour", cls.labour, 1.0)]).id,
                "policy_id": (policy or contract.sla_policy_id).id,
                "kind": kind,
                "deadline": deadline,
            }
        )

    def _run_cron(self, day):
        """Run the billing cron as of ``day``; return the invoices it created."""
        Move = self.env["account.move"]
        before = Move.search([("workshop_contract_id", "!=", False)])
        self.env["workshop.contract"]._cron_recurring_invoice(
            date_ref=fields.Date.to_date(day)
        )
        return Move.search([("workshop_contract_id", "!=", False)]) - before

    def _run_lifecycle(self, day):
        """Run the daily contract lifecycle cron (renew, expire, terminate,
        remind) as of ``day``."""
        return self.env["workshop.contract"]._cron_contract_lifecycle(
            date_ref=fields.Date.to_date(day)
        )

    @staticmethod
    def _d(day):
        return fields.Date.to_date(day)


class ServiceCommon(ContractCommon):
    """ContractCommon plus a preventive job type with a template and a running
    contract covering Van 1 for preventive jobs: 4 labour hours and 100.00 of
    parts per monthly period, one preventive visit per month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.preventive = cls.env["workshop.job.type"].create(
            {"name": "Preventive visit", "code": "maintenance"}
        )
        cls.preventive_template = cls.env["workshop.job.template"].create(
            {
                "name": "Monthly check",
                "job_type_id": cls.preventive.id,
                "line_ids": [
                    Command.create(
                        {"kind": "labour", "product_id": cls.labour.id, "quantity": 1}
                    ),
                    Command.create({"kind": "part", "product_id": cls.part_filter.id}),
                ],
            }
        )
        cls.van = cls.assets[0]
        cls.service_contract = cls._contract(
            covered_asset_ids=[Command.create({"asset_id": cls.van.id})],
            coverage_ids=[Command.create({"job_type_id": cls.preventive.id})],
            coverage_labour_hours=4.0,
            coverage_parts_amount=100.0,
            visit_ids=[
                Command.create(
                    {
                        "job_type_id": cls.preventive.id,
                        "template_id": cls.preventive_template.id,
                    }
                )
            ],
        )

    @classmethod
    def _covered_job(cls, lines, day="2026-03-10", job_type=None, **vals):
        """A finished job on the covered van on ``day`` with ``lines``."""
        vals.setdefault("asset_id", cls.van.id)
        return cls._create_job(
            lines,
            job_type_id=(job_type or cls.preventive).id,
            scheduled_datetime=f"{day} 08:00:00",
            **vals,
        )

    def _invoice_job(self, job):
        """Finish and invoice ``job`` as the coordinator; return its invoice."""
        if job.state not in ("done", "signed"):
            self._finish(job)
        before = job.invoice_ids
        job.with_user(self.coordinator).action_create_invoice()
        return job.invoice_ids.filtered(lambda m: m.move_type == "out_invoice") - before

    @staticmethod
    def _product_lines(move):
        """(product name, quantity, unit price, covered?) of ``move``."""
        return sorted(
            (
                aml.product_id.name,
                aml.quantity,
                aml.price_unit,
                bool(aml.workshop_covered_contract_id),
            )
            for aml in move.invoice_line_ids
            if aml.display_type == "product"
        )
