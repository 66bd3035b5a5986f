# Odoo 18.0 (official image) with the suite's Python requirements. The addons are mounted at
# /mnt/extra-addons by docker-compose.yml.
FROM odoo:18.0

USER root
COPY requirements.txt /tmp/sp-requirements.txt
# The image's Python is the system one (PEP 668): pip needs --break-system-packages.
RUN pip3 install --no-cache-dir --break-system-packages -r /tmp/sp-requirements.txt \
    && rm /tmp/sp-requirements.txt
USER odoo
