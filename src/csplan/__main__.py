from csplan.cli import main

main()
