import sys

from smt_gui.cli import main

sys.exit(main())
