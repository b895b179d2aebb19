"""Job card extensions of this addon live in files split by concern:
workshop_job_contract.py (the job's contract, visit slots), workshop_job_billing.py
(coverage on the job invoice), workshop_job_sla.py (SLA)."""
