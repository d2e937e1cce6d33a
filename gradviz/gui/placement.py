"""Where the window sits on its screen, and how large it is, for each mode.

One rule, read by every way a window appears (a fresh start, F5 either way, a lesson opened from the
picker or a dropped file): a presentation fills the screen it starts on, a rehearsal (`--size WxH`) is
a window of exactly that size, the desk is 1600 × 900, or maximised where the screen's free area is
smaller (the window manager then fits the title bar in: a window as large as the free area would
reach past it). The docks are arranged once, for the size the window will have, so the size is decided before
the window is built (`initial_size`) and the window is then shown at it (`show`).

Full screen is asked of the window manager; where none runs (a bare X server, a kiosk), asking does
nothing, so the window is also given the screen's whole geometry itself.
"""

from __future__ import annotations

__all__ = ["DESK_SIZE", "fills_screen", "fit_to_screen", "initial_size", "presents_full_screen", "show"]

DESK_SIZE = (1600, 900)  # the desk's window where the screen has the room


def initial_size(present: bool, rehearsal: tuple[int, int] | None, screen) -> tuple[int, int]:
    """The window's size before it is shown: the rehearsal's, the whole screen's, or the desk's."""
    if rehearsal is not None:
        return rehearsal
    if present:
        whole = screen.geometry()
        return whole.width(), whole.height()
    free = screen.availableGeometry()
    return min(DESK_SIZE[0], free.width()), min(DESK_SIZE[1], free.height())


def presents_full_screen(window) -> bool:
    """A presentation that is not a rehearsal of another screen's size."""
    return window.theme.present and window.model.rehearsal_size is None


def show(window, screen=None) -> None:
    """Show the window as its mode wants it, on `screen` (default: its own)."""
    screen = screen or window.screen()
    if presents_full_screen(window):
        window.setGeometry(screen.geometry())  # what a bare X server shows: it ignores "full screen"
        window.showFullScreen()
        return
    free = screen.availableGeometry()
    fit_to_screen(window, free)
    if window.model.rehearsal_size is None and (window.width() >= free.width() or window.height() >= free.height()):
        window.showMaximized()  # a laptop's screen: the window manager fits the frame and title bar in
    else:
        window.show()


def fit_to_screen(window, screen_rect) -> None:
    """Never larger than the screen's free area: shrink to it, and move inside it."""
    width = min(window.width(), screen_rect.width())
    height = min(window.height(), screen_rect.height())
    window.resize(width, height)
    window.move(
        screen_rect.x() + (screen_rect.width() - width) // 2, screen_rect.y() + (screen_rect.height() - height) // 2
    )


def fills_screen(window) -> bool:
    """The window's frame is exactly its screen (full screen under a window manager, or placed so
    where none runs), not a pixel more: a layout wider than the screen would be cut at its edge."""
    return window.frameGeometry() == window.screen().geometry() == window.geometry()
