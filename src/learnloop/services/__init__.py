"""The only write path. Each public function is one state change in one transaction."""
