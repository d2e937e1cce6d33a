"""Ask how to export a picture (File › Export a view): its size, its resolution, and whether a view
keeps its own controls. The window then asks for the file; the summary line says the pixels.

A single view is posed for a slide (`slide.posed_for_slide`): 1280 × 720 unless another size is
chosen, or the size it has in the window. The whole window is drawn at the size it has.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from .dialog_buttons import go_or_cancel
from .slide import SLIDE_SIZE
from .theme import Theme

__all__ = ["EXPORT_SCALES", "EXPORT_SIZES", "ExportChoice", "ExportDialog"]

EXPORT_SCALES = (1, 2, 4)  # raster pictures at 1×, 2× or 4× their pixels (sharp on a 4K projector)
EXPORT_SIZES = {  # a view's size in the picture (None: as it is in the window)
    f"Slide, {SLIDE_SIZE[0]} × {SLIDE_SIZE[1]}": SLIDE_SIZE,
    "Full HD slide, 1920 × 1080": (1920, 1080),
    "Square, 900 × 900": (900, 900),
    "As in the window": None,
}


@dataclass(frozen=True)
class ExportChoice:
    size: tuple[int, int] | None  # the view's size in logical pixels; None: as in the window
    scale: int
    keep_controls: bool


class ExportDialog(QDialog):
    """`title`: the view's name as its dock says it; `window_size`: what it has in the window now;
    `single_view`: False for the whole window (which has no other size and keeps its controls)."""

    def __init__(self, title: str, window_size: tuple[int, int], single_view: bool, theme: Theme, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(f"Export “{title}”")
        self.setFont(theme.font(1.0))
        self.window_size = window_size
        self.size_combo = QComboBox()
        self.size_combo.setObjectName("exportSizeCombo")
        for text, size in EXPORT_SIZES.items():
            if single_view or size is None:
                self.size_combo.addItem(text, size)
        self.scale_combo = QComboBox()
        self.scale_combo.setObjectName("exportScaleCombo")
        for scale in EXPORT_SCALES:
            self.scale_combo.addItem(f"{scale}× (PNG, JPEG …)" if scale > 1 else "1×", scale)
        self.scale_combo.setToolTip("SVG and PDF are drawn as vectors: sharp at any size")
        self.keep_check = QCheckBox("Keep the view's own buttons and menus")
        self.keep_check.setObjectName("exportKeepControlsCheck")
        self.keep_check.setVisible(single_view)
        self.summary = QLabel()
        self.summary.setObjectName("exportSummary")
        form = QFormLayout(self)
        form.addRow("Size", self.size_combo)
        form.addRow("Resolution", self.scale_combo)
        form.addRow(self.keep_check)
        form.addRow(self.summary)
        buttons = go_or_cancel(self, QDialogButtonBox.StandardButton.Ok, "Export…")
        form.addRow(buttons)
        for combo in (self.size_combo, self.scale_combo):
            combo.currentIndexChanged.connect(self._summarise)
        self._summarise()

    def _summarise(self) -> None:
        c = self.choice()
        width, height = c.size or self.window_size
        self.summary.setText(f"A PNG of {width * c.scale:,} × {height * c.scale:,} pixels")

    def choice(self) -> ExportChoice:
        return ExportChoice(self.size_combo.currentData(), self.scale_combo.currentData(), self.keep_check.isChecked())
