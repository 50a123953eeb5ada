"""The window's actions (menus, toolbar, shortcuts) as one table, and the menus they sit in."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QToolBar

Key = QKeySequence.StandardKey
# name -> (text, shortcut, tip); a tip of "" repeats the text
ACTIONS = {
    "open": ("&Open…", Key.Open, "Open a data file (MNIST, USPS) or folder"),
    "open_folder": ("Open &folder…", "Ctrl+Shift+O", "Open a folder of class folders"),
    "demo": ("&Demo data", None, "The chosen task's built-in data: digits, shapes, moving digits"),
    "save_model": ("&Save model…", Key.Save, "Save the trained model"),
    "load_model": ("&Load model…", "Ctrl+L", "Load a saved model (checkpoint)"),
    "save_config": ("Save &config…", None, "Save the settings as JSON (same as --config)"),
    "load_config": ("Load c&onfig…", None, "Load settings from a JSON config"),
    "export_model": ("E&xport model…", "Ctrl+Shift+E", "The model as an ONNX file other programs run, checked "
                     "against torch with onnxruntime, or as a copy of its checkpoint"),
    "export_figure": ("Export &figure…", "Ctrl+Shift+F", "A plot (curves, gradients, trajectories, confusion matrix, "
                      "precision-recall) as PNG or SVG at a size and DPI you choose, drawn from its data"),
    "export_table": ("Export &table…", "Ctrl+Shift+T", "Metrics per epoch or per-class accuracy as CSV or markdown, "
                     "copied to the clipboard or saved"),
    "export_curves": ("Export curves as PNG…", None, ""),
    "export_metrics": ("Export metrics as CSV…", None, ""),
    "export_gallery": ("Export gallery as PNG…", None, ""),
    "export_confusion": ("Export confusion matrix as PNG…", None, ""),
    "export_edges": ("Export edge maps as PNG…", None, "The four edge panels as shown (Results tab, edge maps)"),
    "export_edge_video": ("Export edge video…", None, "An MP4 of input | edges for the video in the Live tab"),
    "export_masks": ("Export masks as PNG…", None, "The segmentation results' class maps and overlays"),
    "export_frames": ("Export frames as MP4 / GIF…", None, "The frame player's context | truth | prediction"),
    "export_gradients": ("Export gradient curves as PNG…", None, "The Inside ▸ Gradients plot with its caption"),
    "skipped": ("Skipped files…", None, "Files left out when loading the data"),
    "quit": ("&Quit", "Ctrl+Q", "Quit (asks first while a training runs)"),  # Key.Quit is none on some desktops
    "train": ("Train", "F5", "Train the model on the loaded data (F5)"),
    "compare": ("Compare cells…", "Ctrl+K", "Train RNN, LSTM and GRU one after another on the same data and "
                "compare loss, accuracy and gradients (Ctrl+K)"),
    "pause": ("Pause", "Space", "Pause or resume training (Space, also in a number field; a text field types the "
              "space)"),
    "stop": ("Stop", "Esc", "Stop training and keep the best model so far (Esc; in a text or number field the "
             "first Esc leaves the field)"),
    "run_elsewhere": ("Run &elsewhere…", None, "Write a job folder that trains this run on GPUs or a Slurm cluster "
                      "(torchrun, sbatch), and watch it in the Runs browser"),
    "sweep": ("S&weep…", None, "Train many runs over a search space of settings (an Optuna study) and compare them"),
    "tensorboard": ("TensorBoard logs", None, "Also write each run's scalars, probe pictures and gradient curve as "
                    "TensorBoard event files into its run folder (tensorboard --logdir RUNS_FOLDER shows them)"),
    "evaluate": ("&Evaluate", "Ctrl+E", "Evaluate the loaded model on the loaded data's test split (Ctrl+E)"),
    "bigger": ("Bigger plot fonts", "Ctrl++", "For projectors"),
    "smaller": ("Smaller plot fonts", "Ctrl+-", ""),
    "guide": ("&Getting started", Key.HelpContents, "What to load, what to press and what to watch, task by task"),
    "shortcuts": ("&Keyboard shortcuts", "Ctrl+/", "Every shortcut of the window"),
    "about": ("&About RNN Vision Lab", None, ""),
}
MENUS = {
    "&File": ["open", "open_folder", "demo", None, "save_model", "load_model", "export_model", "save_config",
              "load_config", None, "export_figure", "export_table", "export_curves", "export_metrics", "export_gallery",
              "export_confusion", "export_edges", "export_edge_video", "export_masks", "export_frames",
              "export_gradients", None, "skipped", None, "quit"],
    "&Train": ["train", "pause", "stop", None, "evaluate", "compare", None, "sweep", "run_elsewhere", None,
               "tensorboard"],
    "&View": ["bigger", "smaller"],
    "&Help": ["guide", "shortcuts", None, "about"],
}
TOOLBAR = ("open", "demo", None, "train", "pause", "stop", "compare", None, "save_model")
ICONS = {"train": QStyle.StandardPixmap.SP_MediaPlay, "pause": QStyle.StandardPixmap.SP_MediaPause,
         "stop": QStyle.StandardPixmap.SP_MediaStop, "open": QStyle.StandardPixmap.SP_DialogOpenButton,
         "save_model": QStyle.StandardPixmap.SP_DialogSaveButton}


def make_action(window, text: str, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(tip or text)  # no status tip: it would cover the run's line in the status bar
    return action


def build_actions(window) -> tuple[dict, object]:
    """Every action, in the window's menus and toolbar; (actions by name, the Open recent menu)."""
    actions = {name: make_action(window, *entry) for name, entry in ACTIONS.items()}
    recent_menu = None
    for title, names in MENUS.items():
        menu = window.menuBar().addMenu(title)
        if title == "&File":
            recent_menu = menu.addMenu("Open &recent")
        for name in names:
            menu.addSeparator() if name is None else menu.addAction(actions[name])
    toolbar = QToolBar("Main")
    toolbar.setObjectName("main toolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name, icon in ICONS.items():
        actions[name].setIcon(window.style().standardIcon(icon))
    for name in TOOLBAR:
        toolbar.addSeparator() if name is None else toolbar.addAction(actions[name])
    window.addToolBar(toolbar)
    return actions, recent_menu
