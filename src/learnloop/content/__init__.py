"""Courses as code: loading and validating a course folder; rendering authored Markdown safely."""

from learnloop.content.course_loader import load_course
from learnloop.content.markdown import render_markdown

__all__ = ["load_course", "render_markdown"]
