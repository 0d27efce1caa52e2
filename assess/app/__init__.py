"""The Streamlit app: therapist intake, review, progress, and the patient self-check."""
