print("graphshot")
