from . import workshop_job_invoice_wizard
