"""Every write of the quality app, by concern: peer_review, follow_up, subsidy, publicity and the
city's reference data. Each service takes keyword-only arguments, runs in one transaction, checks the
rule and the state (through `quality.workflows` where a state changes) and writes the audit row."""
