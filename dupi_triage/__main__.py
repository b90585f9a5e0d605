import sys

from dupi_triage.cli import main

sys.exit(main())
