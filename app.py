"""Launch SMT Studio: `python app.py [--host 127.0.0.1] [--port 7860] [--auth USER:PASS] [--share]`."""

import sys

from smt_gui.ui.launch import main

if __name__ == "__main__":
    sys.exit(main())
