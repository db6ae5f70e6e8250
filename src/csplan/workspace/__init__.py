"""Reading a workspace from disk: finding its files (``discover``), reading
each YAML file with the position of every node (``source``, ``positions``,
``prefetch``), building documents into the model (``build``), the workspace
as a whole (``load``), and the signals CSV (``signals_csv``). Each reader
reports problems as findings; none of it scores or checks across documents.
"""
