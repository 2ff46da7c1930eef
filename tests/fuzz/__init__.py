"""A fuzzing harness for every file rnnkit reads: seed files, structure-aware mutators, an isolating runner.

``seeds.build`` writes one valid file of each kind, ``kinds.KINDS`` says how to mutate and load each,
``runner.run_cases`` runs ``(kind, seed)`` cases in worker processes with a memory cap and a timeout.
``scripts/fuzz_files.py`` is the command line; ``test_fuzz_smoke.py`` the CI-sized run.
"""
