"""The assessment flow a city officer goes through: profile, one page per dimension, check,
submit, results (with the chart, peers and advice) and the city search behind the profile.

``pages`` and ``results`` hold the views (blueprints ``pages`` and ``results``); ``flow``
decides which steps and questions apply; ``forms`` turns form data into answers and messages;
``views`` builds what templates show; ``submit`` scores and stores; ``chart`` draws the SVG;
``cities`` looks up the gazetteer for the profile form; ``scoring`` is the "how scoring
works" page.
"""
