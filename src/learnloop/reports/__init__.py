"""Read-only views for learners, educators and admins. Nothing here writes."""
