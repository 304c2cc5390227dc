"""One lock for all compiled parallel kernels of this process."""

import threading

KERNEL_LOCK = threading.Lock()
