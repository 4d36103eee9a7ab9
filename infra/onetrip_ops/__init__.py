"""`onetrip ops`: the runbook steps that are error-prone by hand, against AWS or local.

`target` finds a stage's resources (CloudFormation, or the local runtime's topology);
`queues` redrives dead letters; `cases` finds stuck applications, retries a failed
linked update through the API and shows a petition's workflow history.
"""
