"""Data quality: profile, findings, scores, rules (issue 4). Entry points: ``service.run_quality``,
``service.report``, ``rules.run_checks``, ``rules.suggest``, ``profile.profile_file``."""
