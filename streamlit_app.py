"""The assess app: ``streamlit run streamlit_app.py`` (serves on 127.0.0.1 only, see .streamlit/config.toml)."""

from assess.app.main import main

main()
