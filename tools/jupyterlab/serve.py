#!/usr/bin/python3
"""Serve the JupyterLab frontend built in build/ (node build.js) with Debian's jupyterlab_server.

For the browser test in test/jupyterlab only; the product never needs Python. Debian ships the server
side of JupyterLab (python3-jupyter-server 1.23, python3-jupyterlab-server 2.16) but not its
frontend: this is the LabServerApp that JupyterLab's own examples/app uses, pointed at our bundle,
its settings schemas and theme, and at the MathJax 2 that JupyterLab 3 typesets LaTeX with.

    /usr/bin/python3 tools/jupyterlab/serve.py --ServerApp.root_dir=. --port=8888 --ServerApp.token=T
        [--TacoLab.user_settings_dir=DIR] [--TacoLab.workspaces_dir=DIR]

Kernels come from the usual Jupyter paths (JUPYTER_PATH, JUPYTER_DATA_DIR): register tslab with
`npx taco nb install-kernel` (the test registers it in a temporary folder).
"""
import json
import os
import sys

from jupyter_server import version_info as server_version_info
from jupyterlab_server import LabServerApp
from jupyter_server.utils import url_path_join as ujoin
from tornado.web import StaticFileHandler
from traitlets import default

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")
MATHJAX = os.path.join(HERE, "node_modules", "mathjax")

with open(os.path.join(HERE, "package.json"), encoding="utf-8") as f:
    VERSION = json.load(f)["version"]


def _jupyter_server_extension_points():
    # How jupyter_server finds the app when this file is run as a script (module "__main__").
    return [{"module": __name__, "app": TacoLab}]


class TacoLab(LabServerApp):
    name = __name__
    app_name = "JupyterLab"
    extension_url = "/lab"
    default_url = "/lab"
    # Only this app: no other server extension Debian's packages may have enabled.
    load_other_extensions = False

    @default("app_version")
    def _app_version(self):
        return VERSION

    @default("static_dir")
    def _static_dir(self):
        return BUILD

    @default("templates_dir")
    def _templates_dir(self):
        return os.path.join(HERE, "templates")

    @default("schemas_dir")
    def _schemas_dir(self):
        return os.path.join(BUILD, "schemas")

    @default("themes_dir")
    def _themes_dir(self):
        return os.path.join(BUILD, "themes")

    @default("app_settings_dir")
    def _app_settings_dir(self):
        return os.path.join(BUILD, "app_settings")

    @default("user_settings_dir")
    def _user_settings_dir(self):
        return os.path.join(BUILD, "user_settings")

    @default("workspaces_dir")
    def _workspaces_dir(self):
        return os.path.join(BUILD, "workspaces")

    @default("labextensions_path")
    def _labextensions_path(self):
        # Prebuilt (federated) extensions found on the system are not loaded by this bundle.
        return []

    def initialize_settings(self):
        super().initialize_settings()
        base_url = self.serverapp.base_url
        page_config = self.settings.setdefault("page_config_data", {})
        page_config.update(
            {
                # What JupyterLab's LabApp adds to the page config of jupyterlab_server.
                "token": self.serverapp.token,
                "notebookVersion": json.dumps(list(server_version_info[:3])),
                "exposeAppInBrowser": True,
                "buildAvailable": False,
                # MathJax 2.7 served from here instead of jupyterlab_server's CDN default (no internet).
                "fullMathjaxUrl": ujoin(base_url, "taco-mathjax", "MathJax.js"),
            }
        )

    def initialize_handlers(self):
        if not os.path.isfile(os.path.join(BUILD, "bundle.js")):
            sys.exit(f"serve.py: {BUILD}/bundle.js is missing: run `node tools/jupyterlab/build.js` first")
        self.handlers.append((r"/taco-mathjax/(.*)", StaticFileHandler, {"path": MATHJAX}))
        super().initialize_handlers()


main = TacoLab.launch_instance

if __name__ == "__main__":
    main()
