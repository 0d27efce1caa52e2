"""Input and output at the edge: video files, webcams, the pose model, caches."""
