from datensorgfalt.cli.app import main

main()
