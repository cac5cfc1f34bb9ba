"""nbgrader settings for JupyterLab started in the kit's folder (`make lab`): formgrader grades the kit's
own course (exercises/, with its gradebook), and the Assignments tab uses the kit's exchange."""

from pathlib import Path

c = get_config()  # noqa: F821 (nbgrader provides get_config and load_subconfig when it reads this file)
KIT = Path(__file__).resolve().parent
load_subconfig(str(KIT / "exercises" / "nbgrader_config.py"))  # noqa: F821
load_subconfig(str(KIT / "exchange_config.py"))  # noqa: F821
