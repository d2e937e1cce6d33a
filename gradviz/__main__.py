import sys

from gradviz.start import main

sys.exit(main())
