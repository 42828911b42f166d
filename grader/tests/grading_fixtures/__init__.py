"""Small question set and notebooks used to test the grader without the course notebooks."""
