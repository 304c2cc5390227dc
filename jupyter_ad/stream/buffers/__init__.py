"""Windows of recent events (sliding and tumbling), in bounded memory."""

from jupyter_ad.stream.buffers.window import SlidingWindow, TumblingWindow

__all__ = ["SlidingWindow", "TumblingWindow"]
