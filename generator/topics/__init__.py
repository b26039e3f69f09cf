"""Topics: discover, label, keep stable and lay out on a map the topics of a collection."""
